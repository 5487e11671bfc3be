//! People: stored as a JSON document plus unique identifier columns and lower-cased name keys
//! for prefix search.

use diesel::prelude::*;
use oasys_app::{PersonQuery, StoreError};
use oasys_assessment_model::Person;
use uuid::Uuid;

use crate::conn::{DbConnection, concrete, store_error};
use crate::schema::people;

const ENTITY: &str = "person";

/// Decodes a stored JSON document (a document that no longer decodes is a backend failure).
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    entity: &'static str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Backend(format!("stored {entity} does not decode: {e}")))
}

/// Encodes a document for storage.
pub(crate) fn encode<T: serde::Serialize>(
    entity: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Backend(format!("{entity} does not encode: {e}")))
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn like_prefix(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in key(prefix).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

type Row = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

fn row(person: &Person) -> Result<Row, StoreError> {
    Ok((
        person.id.to_string(),
        person.ids.crn().map(|c| c.as_str().to_owned()),
        person.ids.nomis_id().map(|n| n.as_str().to_owned()),
        person.ids.pnc().map(|p| p.as_str().to_owned()),
        key(person.family_name.as_str()),
        key(person.given_name.as_str()),
        encode(ENTITY, person)?,
    ))
}

pub(crate) fn insert(conn: &mut DbConnection, person: &Person) -> Result<(), StoreError> {
    let (id, crn, nomis, pnc, family, given, document) = row(person)?;
    diesel::insert_into(people::table)
        .values((
            people::id.eq(id),
            people::crn.eq(crn),
            people::nomis_id.eq(nomis),
            people::pnc.eq(pnc),
            people::family_key.eq(family),
            people::given_key.eq(given),
            people::document.eq(document),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}

pub(crate) fn update(conn: &mut DbConnection, person: &Person) -> Result<(), StoreError> {
    let (id, crn, nomis, pnc, family, given, document) = row(person)?;
    let changed = diesel::update(people::table.find(&id))
        .set((
            people::crn.eq(crn),
            people::nomis_id.eq(nomis),
            people::pnc.eq(pnc),
            people::family_key.eq(family),
            people::given_key.eq(given),
            people::document.eq(document),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    if changed == 0 {
        return Err(StoreError::NotFound { entity: ENTITY, id });
    }
    Ok(())
}

/// `NotFound` unless the person is stored (checked before writes that hang off a person).
pub(crate) fn require(conn: &mut DbConnection, id: Uuid) -> Result<String, StoreError> {
    let id = id.to_string();
    let query = people::table.find(&id).select(people::id);
    let found = concrete!(conn, |c| query.first::<String>(c))
        .optional()
        .map_err(|e| store_error(ENTITY, e))?;
    found.ok_or(StoreError::NotFound { entity: ENTITY, id })
}

/// Whether the person is stored.
pub(crate) fn exists(conn: &mut DbConnection, id: Uuid) -> Result<bool, StoreError> {
    match require(conn, id) {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(crate) fn get(conn: &mut DbConnection, id: Uuid) -> Result<Option<Person>, StoreError> {
    let id = id.to_string();
    let query = people::table.find(&id).select(people::document);
    concrete!(conn, |c| query.first::<String>(c))
        .optional()
        .map_err(|e| store_error(ENTITY, e))?
        .map(|json| decode(ENTITY, &json))
        .transpose()
}

/// People by id, in one query (for caseloads).
pub(crate) fn get_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<Person>, StoreError> {
    people::table
        .filter(people::id.eq_any(ids))
        .select(people::document)
        .load::<String>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .iter()
        .map(|json| decode(ENTITY, json))
        .collect()
}

pub(crate) fn search(
    conn: &mut DbConnection,
    query: &PersonQuery,
    limit: usize,
) -> Result<Vec<Person>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut q = people::table.select(people::document).into_boxed();
    q = match query {
        PersonQuery::Name { family, given } => {
            let mut q = q.filter(people::family_key.like(like_prefix(family)).escape('\\'));
            if let Some(given) = given {
                q = q.filter(people::given_key.like(like_prefix(given)).escape('\\'));
            }
            q
        }
        PersonQuery::Crn(crn) => q.filter(people::crn.eq(crn.as_str().to_owned())),
        PersonQuery::Nomis(nomis) => q.filter(people::nomis_id.eq(nomis.as_str().to_owned())),
        PersonQuery::Pnc(pnc) => q.filter(people::pnc.eq(pnc.as_str().to_owned())),
    };
    q.order((people::family_key, people::given_key, people::id))
        .limit(limit)
        .load::<String>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .iter()
        .map(|json| decode(ENTITY, json))
        .collect()
}
