module imgcompat/tools/go-unicode

go 1.24
