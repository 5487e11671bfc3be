-- The offence catalogue loaded by `oasys offences import` (the columns of offence_categories.csv
-- that scoring reads). Replaced as a whole in one transaction on every import.

CREATE TABLE offences (
    code TEXT PRIMARY KEY NOT NULL,
    ogrs3_status TEXT NOT NULL,
    ogrs3_category TEXT NOT NULL,
    snsv_category TEXT NOT NULL,
    actuarial_category TEXT NOT NULL
);
