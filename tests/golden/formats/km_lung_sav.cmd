km --data @TESTS@/golden/formats/lung.sav --formula "Surv(time, status) ~ sex" --format json
