cox --data @TESTS@/golden/formats/veteran.sav --formula "Surv(time, status) ~ karno + celltype" --format json
