cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --predict @TESTS@/golden/data/cox_nd_predict_lung.csv --format json
