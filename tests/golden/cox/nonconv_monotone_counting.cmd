cox --data @TESTS@/golden/data/cox_monotone_counting.csv --formula "Surv(t0, time, status) ~ x" --format json
