cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex + offset(off)" --predict @TESTS@/golden/data/cox_nd_predict_lung_offset.csv --format json
