cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + karno + strata(celltype)" --predict @TESTS@/golden/data/cox_nd_predict_vet_strata_all.csv --format json
