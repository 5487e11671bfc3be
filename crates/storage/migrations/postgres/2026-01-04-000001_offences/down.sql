DROP TABLE offences;
