cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --ties breslow --predict @TESTS@/golden/data/cox_nd_predict_lung_breslow.csv --format json
