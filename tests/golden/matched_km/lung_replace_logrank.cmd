logrank --data @TESTS@/golden/data/matched_lung_replace.csv --formula "Surv(time, status) ~ female" --format json
