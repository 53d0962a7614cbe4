cox --data @TESTS@/golden/data/cox_lung_split3.csv --formula "Surv(tstart, time, status) ~ age + sex + ph.ecog" --max-iter 2 --format json
