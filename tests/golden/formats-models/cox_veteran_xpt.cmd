cox --data @TESTS@/golden/formats/veteran.xpt --formula "Surv(time, status) ~ karno + celltype" --format json
