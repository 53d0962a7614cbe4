cox --data @TESTS@/golden/formats/lung.dta --formula "Surv(time, status) ~ age + sex + ph_ecog" --format json
