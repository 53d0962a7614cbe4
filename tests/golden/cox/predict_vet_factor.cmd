cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + celltype + karno" --predict @TESTS@/golden/data/cox_nd_predict_vet_factor.csv --format json
