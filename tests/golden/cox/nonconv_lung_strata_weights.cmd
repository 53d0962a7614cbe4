cox --data @TESTS@/golden/data/cox_lung_w12.csv --weights w --formula "Surv(time, status) ~ age + sex + ph.ecog + strata(inst)" --ties breslow --max-iter 2 --format json
