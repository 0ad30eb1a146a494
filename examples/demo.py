"Smallest tracefunc example: for now it only shows that the package imports (a traced function comes next)."
import tracefunc

print(f"tracefunc {tracefunc.__version__}")
