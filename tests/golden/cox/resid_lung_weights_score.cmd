cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex" --weights iw --residuals score --format json
