cox --data @TESTS@/catalogue/data/cox_monotone.csv --formula "Surv(time, status) ~ x" --format json
