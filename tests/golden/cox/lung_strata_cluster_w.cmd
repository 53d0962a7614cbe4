cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex + strata(ph.ecog) + cluster(inst)" --weights iw --format json
