km --data @TESTS@/golden/data/km_lung_weights.csv --formula "Surv(time, status) ~ sex" --weights w_frac --format json
