"""Agency pages."""
app_name = "agencies"
urlpatterns = []
