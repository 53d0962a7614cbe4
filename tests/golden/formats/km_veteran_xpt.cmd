km --data @TESTS@/golden/formats/veteran.xpt --formula "Surv(time, status) ~ celltype" --format json
