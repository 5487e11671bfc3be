//! The offence catalogue: rows of text replaced as a whole (delete then insert, in the caller's
//! write transaction, so readers see the old catalogue or the new one).

use std::collections::BTreeSet;

use diesel::prelude::*;
use oasys_app::{OffenceRow, StoreError};

use crate::conn::{DbConnection, store_error};
use crate::schema::offences;

const ENTITY: &str = "offence";

pub(crate) fn replace(conn: &mut DbConnection, rows: &[OffenceRow]) -> Result<(), StoreError> {
    let mut seen = BTreeSet::new();
    if let Some(duplicate) = rows.iter().find(|r| !seen.insert(r.code.as_str())) {
        return Err(StoreError::Invalid {
            reason: format!("offence code {} is listed twice", duplicate.code),
        });
    }
    diesel::delete(offences::table)
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    // One statement per row: the two-backend connection has no multi-row INSERT.
    for r in rows {
        diesel::insert_into(offences::table)
            .values((
                offences::code.eq(&r.code),
                offences::ogrs3_status.eq(&r.ogrs3_status),
                offences::ogrs3_category.eq(&r.ogrs3_category),
                offences::snsv_category.eq(&r.snsv_category),
                offences::actuarial_category.eq(&r.actuarial_category),
            ))
            .execute(conn)
            .map_err(|e| store_error(ENTITY, e))?;
    }
    Ok(())
}

pub(crate) fn all(conn: &mut DbConnection) -> Result<Vec<OffenceRow>, StoreError> {
    offences::table
        .order(offences::code)
        .select((
            offences::code,
            offences::ogrs3_status,
            offences::ogrs3_category,
            offences::snsv_category,
            offences::actuarial_category,
        ))
        .load::<(String, String, String, String, String)>(conn)
        .map_err(|e| store_error(ENTITY, e))
        .map(|rows| {
            rows.into_iter()
                .map(
                    |(code, ogrs3_status, ogrs3_category, snsv_category, actuarial_category)| {
                        OffenceRow {
                            code,
                            ogrs3_status,
                            ogrs3_category,
                            snsv_category,
                            actuarial_category,
                        }
                    },
                )
                .collect()
        })
}

pub(crate) fn count(conn: &mut DbConnection) -> Result<u64, StoreError> {
    offences::table
        .count()
        .get_result::<i64>(conn)
        .map_err(|e| store_error(ENTITY, e))
        .map(|n| u64::try_from(n).unwrap_or(0))
}
