km --data @TESTS@/golden/formats/veteran.dta --formula "Surv(time, status) ~ celltype" --format json
