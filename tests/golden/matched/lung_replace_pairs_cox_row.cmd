cox --data @TESTS@/golden/data/matched_lung_replace_pairs.csv --formula "Surv(time, status) ~ female" --weights weights --robust --format json
