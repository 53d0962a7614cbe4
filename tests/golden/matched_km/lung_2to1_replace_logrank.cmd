logrank --data @TESTS@/golden/data/matched_lung_2to1_replace.csv --formula "Surv(time, status) ~ female" --format json
