km --data @TESTS@/golden/data/km_lung_weights.csv --formula "Surv(time, status) ~ 1" --conf-type plain --weights w_frac --format json
