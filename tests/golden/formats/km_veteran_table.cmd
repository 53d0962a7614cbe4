km --data @TESTS@/golden/formats/shared.sqlite --table veteran --formula "Surv(time, status) ~ celltype" --format json
