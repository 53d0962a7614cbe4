km --data @TESTS@/golden/data/matched_lung_replace.csv --formula "Surv(time, status) ~ female" --weights weights --format json
