km --data @TESTS@/golden/formats/veteran.sav --formula "Surv(time, status) ~ celltype" --format json
