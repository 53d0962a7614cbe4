cox --data @TESTS@/golden/data/cox_small.csv --formula "Surv(time, status) ~ x" --ties exact --format json
