km --data @TESTS@/golden/data/matched_lalonde_caliper.csv --formula "Surv(time, status) ~ treat" --weights weights --format json
