cox --data @TESTS@/golden/data/matched_lalonde_2to1_caliper.csv --formula "Surv(time, status) ~ treat + cluster(subclass)" --weights weights --format json
