cox --data @TESTS@/golden/data/cox_separation.csv --formula "Surv(time, status) ~ x + z" --ties breslow --format json
