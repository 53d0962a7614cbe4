km --data @TESTS@/golden/formats/veteran.sas7bdat --formula "Surv(time, status) ~ celltype" --format json
