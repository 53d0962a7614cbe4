logrank --data @TESTS@/golden/data/matched_lalonde_2to1_caliper.csv --formula "Surv(time, status) ~ treat" --format json
