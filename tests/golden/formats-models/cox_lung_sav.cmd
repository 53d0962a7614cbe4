cox --data @TESTS@/golden/formats/lung.sav --formula "Surv(time, status) ~ age + sex + ph_ecog" --format json
