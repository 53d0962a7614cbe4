cox --data @TESTS@/golden/formats/lung.sqlite --formula "Surv(time, status) ~ age + sex + ph_ecog" --format json
