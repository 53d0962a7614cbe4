cox --data @TESTS@/golden/data/cox_veteran_split.csv --formula "Surv(tstart, time, status) ~ trt + karno + age" --predict @TESTS@/golden/data/cox_nd_predict_vet_split.csv --format json
