from django.shortcuts import render


def directory(request):
    return render(request, "advisors/directory.html", {"structures": []})
