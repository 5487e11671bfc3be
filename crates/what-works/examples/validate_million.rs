//! Benchmark for `cargo xtask bench`: validates 17 predictors (overall and by sex) on a synthetic
//! cohort of 1,000,000 people and prints the time taken. Run with `--release`.

use std::time::Instant;

use oasys_what_works::{Observation, PREDICTORS, validate, validate_by};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Person {
    female: bool,
    predictions: [f64; 17],
    reoffended: bool,
}

fn main() {
    let people: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = StdRng::seed_from_u64(2026);
    let cohort: Vec<Person> = (0..people)
        .map(|_| {
            let risk: f64 = rng.random_range(0.02..0.9);
            let reoffended = rng.random_bool(risk);
            let mut predictions = [0.0; 17];
            for p in &mut predictions {
                *p = (risk + rng.random_range(-0.1..0.1)).clamp(0.0, 1.0);
            }
            Person {
                female: rng.random_bool(0.15),
                predictions,
                reoffended,
            }
        })
        .collect();

    let start = Instant::now();
    let mut checksum = 0.0;
    for (i, name) in PREDICTORS.iter().enumerate() {
        let observations: Vec<Observation> = cohort
            .iter()
            .map(|p| Observation {
                predicted: p.predictions[i],
                reoffended: p.reoffended,
            })
            .collect();
        checksum += validate(name, &observations).auc.map_or(0.0, |a| a.value);
        let by_sex = validate_by(
            &cohort,
            name,
            |p| {
                Some(Observation {
                    predicted: p.predictions[i],
                    reoffended: p.reoffended,
                })
            },
            |p| {
                if p.female {
                    "female".to_owned()
                } else {
                    "male".to_owned()
                }
            },
        );
        checksum += by_sex.len() as f64;
    }
    let elapsed = start.elapsed();
    println!(
        "validated {} predictors (overall and by sex) on {people} people in {:.3} s (checksum {checksum:.4})",
        PREDICTORS.len(),
        elapsed.as_secs_f64()
    );
}
