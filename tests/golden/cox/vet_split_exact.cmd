cox --data @TESTS@/golden/data/cox_veteran_split.csv --formula "Surv(tstart, time, status) ~ trt + karno + age" --ties exact --format json
