logrank --data @TESTS@/golden/data/matched_lung_1to1.csv --formula "Surv(time, status) ~ female" --format json
