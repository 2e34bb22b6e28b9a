"use strict";

const LOGIN_MESSAGES = {
  401: "用户名或密码错误，或账号已停用。",
  429: "登录失败次数过多，请稍后再试。",
};

async function submitLogin(event) {
  event.preventDefault();
  const status = document.getElementById("login-status");
  const form = event.target;
  status.className = "status";
  status.textContent = "正在登录……";
  try {
    const response = await fetch("/api/login", { method: "POST", body: new URLSearchParams(new FormData(form)) });
    if (response.status === 204) {
      window.location.replace("/");
      return;
    }
    const wait = response.headers.get("retry-after");
    status.className = "status error";
    status.textContent = (LOGIN_MESSAGES[response.status] || `服务器返回错误（${response.status}）。`) +
      (response.status === 429 && wait ? `（约 ${wait} 秒后可再试）` : "");
  } catch (_) {
    status.className = "status error";
    status.textContent = "无法连接服务器。";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login-form").addEventListener("submit", submitLogin);
});
