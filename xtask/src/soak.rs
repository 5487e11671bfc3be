//! `cargo xtask reliability soak [--minutes N]`: the memory soak of spec R15. The release
//! `oasys serve` runs on an SQLite database seeded by `crates/web/examples/http_bench.rs` (a
//! practitioner with an API token, 64 people with open assessments); the same program's load mode
//! first finds the rate the server saturates at under a mixed load (three audited reads to one
//! section save), then holds half that rate for N minutes (30 by default) while this process
//! samples the server's resident memory every minute. After a warm-up (a sixth of the run, at
//! least one minute) the trend of the samples must be about zero: over the measured minutes it
//! may add no more than 5% of the memory the server had after its warm-up. The trend is the
//! Theil–Sen slope (the median of the slopes between every two samples), which a leak moves and a
//! passing bump does not (the pool opening connections in a burst, the allocator handing pages
//! back later); the least-squares slope is reported beside it. Failed requests fail the soak too.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench::http_bench::parse_figures;
use crate::{cargo, run};

/// Keep-alive clients of the load generator.
const CLIENTS: usize = 16;
/// Seconds of the saturation run.
const SATURATION_SECONDS: u64 = 10;
/// Growth allowed over the measured minutes, as a share of the memory after the warm-up.
const ALLOWED_GROWTH: f64 = 0.05;

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn soak(args: &[String]) -> Result<()> {
    let minutes = args
        .iter()
        .position(|a| a == "--minutes")
        .map(|i| {
            args.get(i + 1)
                .and_then(|n| n.parse::<u64>().ok())
                .filter(|n| *n >= 2)
                .context("--minutes takes a whole number of at least 2")
        })
        .transpose()?
        .unwrap_or(30);
    let mut build = cargo();
    build.args(["build", "--locked", "--release", "-p", "oasys-cli"]);
    run(build)?;
    let bench = crate::bench::http_bench::build_http_bench()?;
    let oasys = crate::bench::target_dir().join("release/oasys");

    let dir = crate::bench::target_dir().join("soak");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    let seeded = Command::new(&bench)
        .arg("seed")
        .arg(&dir)
        .arg("64")
        .output()
        .context("could not run the seeder")?;
    let line = String::from_utf8_lossy(&seeded.stdout);
    let words: Vec<&str> = line.split_whitespace().collect();
    let [_, token, ids] = words[..] else {
        bail!(
            "the seeder said {line:?} ({})",
            String::from_utf8_lossy(&seeded.stderr)
        );
    };

    let database = format!("sqlite://{}", dir.join("bench.db").display());
    let mut server = Killed(
        Command::new(&oasys)
            .args(["serve", "--addr", "127.0.0.1:0", "--database", &database])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start oasys serve")?,
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().context("no stdout")?).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("oasys listening on ")
        .with_context(|| format!("oasys serve did not start: {line:?}"))?
        .to_owned();
    let pid = server.0.id();

    let load = |seconds: u64, rate: Option<f64>| -> Result<Child> {
        let mut command = Command::new(&bench);
        command
            .args(["load", &base, token, ids, "mixed"])
            .args([CLIENTS.to_string(), seconds.to_string()]);
        if let Some(rate) = rate {
            command.arg(format!("{rate:.0}"));
        }
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("could not run the load generator")
    };
    let figures = |child: Child| -> Result<crate::bench::http_bench::Figures> {
        let out = child.wait_with_output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            bail!("the load generator failed: {text}");
        }
        parse_figures(
            text.lines()
                .find(|l| l.starts_with("requests"))
                .context("no figures from the load generator")?,
        )
    };

    let saturation = figures(load(SATURATION_SECONDS, None)?)?;
    let rate = saturation.rps / 2.0;
    eprintln!(
        "soak: saturation {:.0} requests/s ({} errors); holding {rate:.0}/s for {minutes} minutes",
        saturation.rps, saturation.errors
    );
    let started = Instant::now();
    let generator = load(minutes * 60, Some(rate))?;
    let mut samples = vec![(0.0, rss_kib(pid)?)];
    for minute in 1..=minutes {
        let at = started + Duration::from_secs(minute * 60);
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        let kib = rss_kib(pid).context("the server stopped during the soak")?;
        eprintln!("soak: minute {minute}: {:.1} MiB", kib / 1024.0);
        samples.push((minute as f64, kib));
    }
    let soaked = figures(generator)?;

    let warm_up = (minutes / 6).max(1) as f64;
    let measured: Vec<(f64, f64)> = samples
        .iter()
        .copied()
        .filter(|(m, _)| *m >= warm_up)
        .collect();
    let trend = theil_sen(&measured).context("too few samples after the warm-up")?;
    let least_squares = slope(&measured).context("too few samples after the warm-up")?;
    let after_warm_up = measured[0].1;
    let growth = trend * (minutes as f64 - warm_up);
    let series: Vec<String> = samples
        .iter()
        .map(|(_, kib)| format!("{:.1}", kib / 1024.0))
        .collect();
    eprintln!(
        "reliability: soak minutes={minutes} clients={CLIENTS} saturation_rps={:.0} rate={rate:.0} \
         requests={} errors={} p50_ms={:.2} p99_ms={:.2} rss_mib=[{}] warm_up_min={warm_up} \
         theil_sen_kib_per_min={trend:.1} least_squares_kib_per_min={least_squares:.1} \
         growth_after_warm_up_mib={:.2} ({:.2}% of {:.1} MiB)",
        saturation.rps,
        soaked.requests,
        soaked.errors,
        soaked.p50_ms,
        soaked.p99_ms,
        series.join(", "),
        growth / 1024.0,
        100.0 * growth / after_warm_up,
        after_warm_up / 1024.0
    );
    drop(server);
    // The database has grown by gigabytes; nothing in it is needed once the figures are out.
    let _ = fs::remove_dir_all(&dir);
    if soaked.errors > 0 {
        bail!("{} requests failed during the soak", soaked.errors);
    }
    if growth > ALLOWED_GROWTH * after_warm_up {
        bail!(
            "memory grew by {:.1} MiB after the warm-up, more than {:.0}% of {:.1} MiB",
            growth / 1024.0,
            ALLOWED_GROWTH * 100.0,
            after_warm_up / 1024.0
        );
    }
    eprintln!("xtask reliability soak: memory stayed bounded");
    Ok(())
}

/// The resident memory of process `pid`, in KiB (`VmRSS` of /proc/PID/status).
fn rss_kib(pid: u32) -> Result<f64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("no process {pid}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no VmRSS for process {pid}"))
}

/// The Theil–Sen slope of `points`: the median of the slopes between every two points with
/// different x; `None` when there are none.
fn theil_sen(points: &[(f64, f64)]) -> Option<f64> {
    let mut slopes: Vec<f64> = points
        .iter()
        .enumerate()
        .flat_map(|(i, a)| points[i + 1..].iter().map(move |b| (a, b)))
        .filter(|(a, b)| a.0 != b.0)
        .map(|(a, b)| (b.1 - a.1) / (b.0 - a.0))
        .collect();
    slopes.sort_by(f64::total_cmp);
    let n = slopes.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(slopes[n / 2]),
        _ => Some((slopes[n / 2 - 1] + slopes[n / 2]) / 2.0),
    }
}

/// The least-squares slope of `points` (y per unit of x); `None` for fewer than two distinct x.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slope_is_the_least_squares_line_through_the_samples() {
        let line: Vec<(f64, f64)> = (0..5).map(|m| (m as f64, 100.0 + 3.0 * m as f64)).collect();
        assert!((slope(&line).expect("a slope") - 3.0).abs() < 1e-12);
        let noisy = [(1.0, 10.0), (2.0, 12.0), (3.0, 10.0), (4.0, 12.0)];
        assert!((slope(&noisy).expect("a slope") - 0.4).abs() < 1e-12);
        assert_eq!(slope(&[(1.0, 5.0)]), None);
        assert_eq!(slope(&[(2.0, 5.0), (2.0, 7.0)]), None);
    }

    #[test]
    fn the_trend_follows_growth_but_not_a_passing_bump() {
        let line: Vec<(f64, f64)> = (0..6).map(|m| (m as f64, 50.0 + 2.0 * m as f64)).collect();
        assert!((theil_sen(&line).expect("a trend") - 2.0).abs() < 1e-12);
        // Flat with a bump near the end: least squares sees growth, the trend does not.
        let bumped: Vec<(f64, f64)> = [50.0, 50.0, 50.0, 50.0, 50.0, 50.0, 56.0, 55.0, 50.0, 50.0]
            .iter()
            .enumerate()
            .map(|(m, y)| (m as f64, *y))
            .collect();
        assert_eq!(theil_sen(&bumped), Some(0.0));
        assert!(slope(&bumped).expect("a slope") > 0.2);
        // Three slopes (1, 2, 3): the middle one; six (1, 1, 1, 2, 2.5, 4): the mean of the
        // middle two.
        assert_eq!(theil_sen(&[(0.0, 0.0), (1.0, 1.0), (2.0, 4.0)]), Some(2.0));
        let six = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 6.0)];
        assert_eq!(theil_sen(&six), Some(1.5));
        assert_eq!(theil_sen(&[(1.0, 5.0)]), None);
        assert_eq!(theil_sen(&[(2.0, 5.0), (2.0, 7.0)]), None);
    }

    #[test]
    fn the_resident_memory_of_this_process_is_read() {
        let kib = rss_kib(std::process::id()).expect("this process's memory");
        assert!(kib > 100.0, "{kib} KiB");
        assert!(rss_kib(u32::MAX).is_err());
    }
}
