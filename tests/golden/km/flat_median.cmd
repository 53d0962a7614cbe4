km --data @TESTS@/golden/data/km_flat.csv --formula "Surv(time, status) ~ arm" --format json
