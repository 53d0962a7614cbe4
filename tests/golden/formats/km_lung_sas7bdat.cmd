km --data @TESTS@/golden/formats/lung.sas7bdat --formula "Surv(time, status) ~ sex" --format json
