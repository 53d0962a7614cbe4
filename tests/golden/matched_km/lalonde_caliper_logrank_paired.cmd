logrank --data @TESTS@/golden/data/matched_lalonde_caliper.csv --formula "Surv(time, status) ~ treat + strata(subclass)" --format json
