cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --weights iw --zph km --format json
