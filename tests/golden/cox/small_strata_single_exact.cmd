cox --data @TESTS@/golden/data/cox_small.csv --formula "Surv(time, status) ~ x + strata(g)" --ties exact --format json
