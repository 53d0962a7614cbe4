cox --data @TESTS@/golden/formats/veteran.dta --formula "Surv(time, status) ~ karno + celltype" --format json
