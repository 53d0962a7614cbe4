cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex" --weights fw --predict @TESTS@/golden/data/cox_nd_predict_lung_robust.csv --format json
