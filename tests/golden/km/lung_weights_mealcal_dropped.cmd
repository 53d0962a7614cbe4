km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --weights meal.cal --format json
